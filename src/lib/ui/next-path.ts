/**
 * Where to send someone once they are ready (`?next=`), only if it is a page of this app:
 * anything else in the query could send them to another site with their attention on us.
 */
export function nextPath(target: string | null, here: URL): string | null {
	if (!target?.startsWith('/') || target.startsWith('//')) return null;
	// Browsers read `/\host` as `//host`: resolve it and keep it only if it stays here.
	const url = new URL(target, here);
	return url.origin === here.origin ? url.pathname + url.search + url.hash : null;
}
