/**
 * The installed app's life: a new version waiting (the service worker found one; the person chooses
 * when to reload), the first time it is ready offline, and whether the network is there at all.
 */
import { registerSW } from 'virtual:pwa-register';

export class AppUpdate {
  /** A new version is downloaded and waits for a reload. */
  waiting = $state(false);
  /** Everything the app needs is cached: it now works without a network. */
  offlineReady = $state(false);
  online = $state(navigator.onLine);
  #apply: ((reload?: boolean) => Promise<void>) | null = null;

  start(): void {
    this.#apply = registerSW({
      immediate: true,
      onNeedRefresh: () => (this.waiting = true),
      onOfflineReady: () => (this.offlineReady = true),
    });
    addEventListener('online', () => (this.online = true));
    addEventListener('offline', () => (this.online = false));
  }

  /** Takes the new version: the waiting service worker activates and the page reloads. */
  reload(): void {
    void this.#apply?.(true);
  }
}
