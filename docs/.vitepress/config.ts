import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type DefaultTheme, defineConfig } from 'vitepress';

// The API sidebar is written by TypeDoc (typedoc-vitepress-theme) into api/,
// which `pnpm docs:build` generates before VitePress runs.
const apiSidebarFile = fileURLToPath(new URL('../api/typedoc-sidebar.json', import.meta.url));
const apiSidebar: DefaultTheme.SidebarItem[] = existsSync(apiSidebarFile)
  ? JSON.parse(readFileSync(apiSidebarFile, 'utf8'))
  : [];

const problems: [string, string][] = [
  ['1', 'Perceptron invariance'],
  ['2', 'Sigmoid → perceptron limit'],
  ['3', 'One-hot → binary'],
  ['4', 'Steepest descent'],
  ['5', 'Backpropagation BP3/BP4'],
  ['6', 'Cross-entropy minimum'],
  ['7', 'Learning slowdown'],
  ['8', 'Unstable gradients'],
  ['10', 'Non-differentiable cost'],
];

// A page is listed once it exists (package guides are added as the packages land).
const exists = (page: string) =>
  existsSync(fileURLToPath(new URL(`../${page}.md`, import.meta.url)));
const packages = [
  'tensor',
  'neurons',
  'costs',
  'trainer',
  'encoders',
  'mnist',
  'formats',
  'experiments',
].filter((p) => exists(`packages/${p}`));

export default defineConfig({
  title: 'MLISP',
  description:
    "Feed-forward neural networks the way Nielsen's book and the MLISP problem set teach them",
  lang: 'en-GB',
  cleanUrls: false,
  lastUpdated: false,
  // Offline: no remote web fonts (the theme's Inter is bundled), no CDN.
  useWebFonts: false,
  srcExclude: ['README.md', 'scripts/**'],
  markdown: { math: true },
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/guide/getting-started' },
      { text: 'Packages', link: '/packages/tensor' },
      { text: 'Problem set', link: '/problems/' },
      { text: 'API', link: '/api/' },
    ],
    sidebar: {
      '/guide/': [
        {
          text: 'Guide',
          items: [
            { text: 'Getting started', link: '/guide/getting-started' },
            { text: 'The mlisp CLI', link: '/guide/cli' },
            { text: 'The visualizer', link: '/guide/visualizer' },
            { text: 'Performance', link: '/guide/performance' },
            { text: 'Reliability', link: '/guide/reliability' },
          ],
        },
        {
          text: 'Packages',
          items: packages.map((p) => ({ text: `@mlisp/${p}`, link: `/packages/${p}` })),
        },
      ],
      '/packages/': [
        {
          text: 'Packages',
          items: packages.map((p) => ({ text: `@mlisp/${p}`, link: `/packages/${p}` })),
        },
      ],
      '/problems/': [
        {
          text: 'Problem set 5',
          items: [
            { text: 'Overview', link: '/problems/' },
            ...problems
              .filter(([n]) => exists(`problems/p${n}`))
              .map(([n, title]) => ({ text: `${n}. ${title}`, link: `/problems/p${n}` })),
            { text: 'Errata', link: '/problems/errata' },
          ],
        },
      ],
      '/api/': [{ text: 'API reference', link: '/api/', items: apiSidebar }],
    },
    search: { provider: 'local' },
    outline: [2, 3],
    footer: { message: 'MIT licensed' },
  },
});
