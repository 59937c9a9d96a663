// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
	namespace App {
		interface PageState {
			/** Title of the shared draft just removed, for the forum page's status line. */
			removedDraft?: string;
		}
	}
}

export {};
