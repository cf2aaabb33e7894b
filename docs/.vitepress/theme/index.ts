import type { Theme } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
import ChecksTable from './components/ChecksTable.vue';
import ExperimentResult from './components/ExperimentResult.vue';
import ExperimentSummary from './components/ExperimentSummary.vue';
import SeriesPlot from './components/SeriesPlot.vue';
import './custom.css';

export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('ChecksTable', ChecksTable);
    app.component('SeriesPlot', SeriesPlot);
    app.component('ExperimentResult', ExperimentResult);
    app.component('ExperimentSummary', ExperimentSummary);
  },
} satisfies Theme;
