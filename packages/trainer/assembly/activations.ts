// The hidden and output activations the kernels run, by code (a layer record's L_ACT word), and
// their derivatives in terms of a = f(z) (each is a function of a alone).

export const ACT_LINEAR: i32 = 0;
export const ACT_SIGMOID: i32 = 1;
export const ACT_TANH: i32 = 2;
export const ACT_RELU: i32 = 3;
export const ACT_LEAKY_RELU: i32 = 4;
/** The leaky ReLU's slope for z ≤ 0 (LEAKY_RELU_SLOPE of @mlisp/neurons). */
const LEAKY_SLOPE: f64 = 0.01;

/** f(z) of one value. */
// @ts-ignore: decorator
@inline export function activate<T>(z: T, act: i32): T {
  if (act == ACT_SIGMOID) {
    if (sizeof<T>() == 4) return <T>(<f32>1 / (<f32>1 + Mathf.exp(-(<f32>z))));
    return <T>(1 / (1 + Math.exp(-(<f64>z))));
  }
  if (act == ACT_TANH) {
    if (sizeof<T>() == 4) return <T>Mathf.tanh(<f32>z);
    return <T>Math.tanh(<f64>z);
  }
  if (act == ACT_RELU) return z > <T>0 ? z : <T>0;
  if (act == ACT_LEAKY_RELU) return z > <T>0 ? z : <T>LEAKY_SLOPE * z;
  return z;
}

/** f'(z) of one value, from a = f(z). */
// @ts-ignore: decorator
@inline export function derivative<T>(a: T, act: i32): T {
  if (act == ACT_SIGMOID) return a * (<T>1 - a);
  if (act == ACT_TANH) return <T>1 - a * a;
  if (act == ACT_RELU) return a > <T>0 ? <T>1 : <T>0;
  if (act == ACT_LEAKY_RELU) return a > <T>0 ? <T>1 : <T>LEAKY_SLOPE;
  return <T>1;
}

/** s ⊙ f'(z) of a vector, from a = f(z) (sigmoid: (s·a)·(1 − a), the scalar form's order). */
// @ts-ignore: decorator
@inline export function timesDerivative<T>(s: v128, a: v128, act: i32): v128 {
  const one = v128.splat<T>(1);
  if (act == ACT_SIGMOID) return v128.mul<T>(v128.mul<T>(s, a), v128.sub<T>(one, a));
  if (act == ACT_TANH) return v128.mul<T>(s, v128.sub<T>(one, v128.mul<T>(a, a)));
  if (act == ACT_RELU || act == ACT_LEAKY_RELU) {
    const low = v128.splat<T>(act == ACT_RELU ? 0 : <T>LEAKY_SLOPE);
    return v128.mul<T>(s, v128.bitselect(one, low, v128.gt<T>(a, v128.splat<T>(0))));
  }
  return s;
}

/** s·f'(z) of one value, from a = f(z), in the order of {@link timesDerivative}'s lanes. */
// @ts-ignore: decorator
@inline export function timesDerivative1<T>(s: T, a: T, act: i32): T {
  if (act == ACT_SIGMOID) return s * a * (<T>1 - a);
  return s * derivative<T>(a, act);
}
