/** What every view gets and gives. */
import type { TrainerClient } from './client.js';
import type { Store } from './store.js';

/** Shared by the views: state, and the training worker. */
export interface AppContext {
  store: Store;
  client: TrainerClient;
}

/** A view: its root element, and what to do when it is shown or hidden. */
export interface ViewHandle {
  root: HTMLElement;
  show?(): void;
  hide?(): void;
}
