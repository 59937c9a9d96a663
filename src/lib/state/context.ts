/** The app state travels through Svelte context with a loud error when it is missing. */
import { getContext, setContext } from 'svelte';
import type { AppState } from './app.svelte';

const KEY = Symbol('webocracy-app');

export const setApp = (app: AppState): AppState => setContext(KEY, app);

export function getApp(): AppState {
	const app = getContext<AppState | undefined>(KEY);
	if (!app) throw new Error('getApp() called outside the app layout: call setApp() first');
	return app;
}
