/** Everything the UI reads, created once by the root layout. */
import { version } from '$app/environment';
import { createVerifier, createVerifiedCacheStore } from '../identity';
import { readHeldCountries, rememberCountry, type HeldCountry, type RecordVerifier } from '../sync';
import { CountryState } from './country.svelte';
import { IdentityState } from './identity.svelte';

/** The signaling endpoint of the server that served this app (`npm start` mounts it). */
export function ownSignalingUrl(location: Location): string {
	return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/signal`;
}

export class AppState {
	readonly identity = new IdentityState();
	readonly build = version;
	held = $state.raw<HeldCountry[]>([]);
	heldProblem = $state<string | null>(null);
	online = $state(typeof navigator === 'undefined' ? true : navigator.onLine);
	readonly verifier: RecordVerifier & { destroy(): void };
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- reason: a cache of open countries, never read by views
	private readonly open = new Map<string, CountryState>();

	constructor() {
		this.verifier = createVerifier({ cache: createVerifiedCacheStore() });
		this.refreshHeld();
		if (typeof window !== 'undefined') {
			window.addEventListener('online', () => this.setOnline(true));
			window.addEventListener('offline', () => this.setOnline(false));
		}
	}

	get ownSignaling(): string {
		return ownSignalingUrl(window.location);
	}

	refreshHeld(): void {
		const { countries, problem } = readHeldCountries();
		this.held = countries;
		this.heldProblem = problem;
	}

	remember(country: HeldCountry): void {
		rememberCountry(country);
		this.refreshHeld();
		this.open.get(country.id)?.configure(this.signalingFor(country), country.secret);
	}

	heldCountry(id: string): HeldCountry | null {
		return this.held.find((c) => c.id === id) ?? null;
	}

	signalingFor(country: Pick<HeldCountry, 'signaling'>): string[] {
		const all = [this.ownSignaling, ...country.signaling];
		return all.filter((url, i) => all.indexOf(url) === i);
	}

	/**
	 * The open state of a country, opening it on first use. A held country joins its rooms
	 * with its stored secret; `join` (from an invite) supplies them for one not held yet.
	 */
	country(id: string, join?: { secret: string; signaling: string[] }): CountryState {
		const held = this.heldCountry(id);
		const secret = held?.secret ?? join?.secret ?? null;
		const signaling = held ? this.signalingFor(held) : join ? this.signalingFor(join) : [];
		let state = this.open.get(id);
		if (!state) {
			state = new CountryState(id, {
				verifier: this.verifier,
				build: this.build,
				signaling,
				secret,
				online: this.online,
				name: () => this.identity.active?.name
			});
			this.open.set(id, state);
		} else if (join && !held) {
			state.configure(signaling, secret);
		}
		return state;
	}

	private setOnline(online: boolean): void {
		this.online = online;
		for (const country of this.open.values()) country.setOnline(online);
	}
}
