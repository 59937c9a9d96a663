/** A URL-safe random token from the platform's CSPRNG. */
export function randomToken(bytes: number): string {
	const raw = crypto.getRandomValues(new Uint8Array(bytes));
	let binary = '';
	for (const b of raw) binary += String.fromCharCode(b);
	return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}
