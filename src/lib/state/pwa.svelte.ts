/**
 * The installed app: registers the service worker (built by vite-plugin-pwa, see
 * vite.config.ts), says when a new version waits, and switches to it only when the person
 * asks. The new worker takes over, then the page reloads once into the new version; all
 * data lives in IndexedDB and local storage, which an update never touches.
 */
import { dev } from '$app/environment';
import type { Workbox } from 'workbox-window';
import { messageOf } from '../model';

export const SERVICE_WORKER_URL = '/sw.js';
/** Looking for a new version while the app stays open (the browser also looks on each load). */
const UPDATE_CHECK_MS = 60 * 60 * 1000;

export class PwaState {
	/** A new version is installed and waits for the person's word. */
	updateReady = $state(false);
	/** The person asked to update; the new version is taking over. */
	updating = $state(false);
	/** The offline copy of the app is missing although a service worker is installed. */
	cacheMissing = $state(false);
	/** What went wrong with installing or updating, in words for the person. */
	problem = $state<string | null>(null);

	private workbox: Workbox | null = null;
	private readonly stops: Array<() => void> = [];

	/** True where this build can install itself (production build, a browser with workers). */
	static supported(): boolean {
		return !dev && typeof navigator !== 'undefined' && 'serviceWorker' in navigator;
	}

	async start(): Promise<void> {
		if (!PwaState.supported() || this.workbox) return;
		const { Workbox } = await import('workbox-window');
		const workbox = new Workbox(SERVICE_WORKER_URL);
		this.workbox = workbox;
		// Fires for a version that was already waiting when this page loaded, too.
		workbox.addEventListener('waiting', () => (this.updateReady = true));
		try {
			await workbox.register();
		} catch (error) {
			this.problem = `The app could not be installed for offline use: ${messageOf(error)}`;
			return;
		}
		void this.checkCache();
		const timer = setInterval(() => void this.checkForUpdate(), UPDATE_CHECK_MS);
		const onOnline = () => void this.checkForUpdate();
		window.addEventListener('online', onOnline);
		this.stops.push(
			() => clearInterval(timer),
			() => window.removeEventListener('online', onOnline)
		);
	}

	/**
	 * Switch to the waiting version: it takes control (it claims every open tab of the app),
	 * then this page reloads into it. When another tab already switched, just reload.
	 */
	async applyUpdate(): Promise<void> {
		if (this.updating) return;
		this.updating = true;
		const registration = await navigator.serviceWorker.getRegistration();
		if (!this.workbox || !registration?.waiting) {
			this.reload();
			return;
		}
		navigator.serviceWorker.addEventListener('controllerchange', () => this.reload(), {
			once: true
		});
		this.workbox.messageSkipWaiting();
	}

	/**
	 * The browser may clear the offline copy of the app while its service worker stays; the
	 * app then still starts online (from the network) but no longer offline. Dropping the
	 * worker and reloading installs it again, copy included. IndexedDB is not touched.
	 */
	async reinstall(): Promise<void> {
		const registration = await navigator.serviceWorker.getRegistration();
		await registration?.unregister();
		this.reload();
	}

	stop(): void {
		for (const stop of this.stops.splice(0)) stop();
	}

	private reload(): void {
		window.location.reload();
	}

	private async checkForUpdate(): Promise<void> {
		if (!navigator.onLine || this.updateReady) return;
		try {
			await this.workbox?.update();
		} catch {
			// No network or the server is away: the next check tries again.
		}
	}

	private async checkCache(): Promise<void> {
		if (!navigator.serviceWorker.controller || typeof caches === 'undefined') return;
		try {
			const names = await caches.keys();
			const precache = names.find((name) => name.startsWith('workbox-precache'));
			const keys = precache ? await (await caches.open(precache)).keys() : [];
			// Precache keys carry a revision: /index.html?__WB_REVISION__=…
			const shell = `${window.location.origin}/index.html`;
			this.cacheMissing = !keys.some((request) => request.url.split('?')[0] === shell);
		} catch {
			// Cache storage unreadable: nothing to tell with confidence.
		}
	}
}
