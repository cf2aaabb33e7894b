/** Experiments view: waits for @mlisp/experiments' experiment list. */
import { h } from '../dom.js';
import type { AppContext, ViewHandle } from '../view.js';

/** Creates the Experiments view. */
export function createExperimentsView(_ctx: AppContext): ViewHandle {
  return {
    root: h(
      'section',
      { class: 'panel', 'aria-label': 'Experiments' },
      h('p', {
        text: 'The problem-set experiments appear here once @mlisp/experiments lists them.',
      }),
    ),
  };
}
