/** Offer text as a file download, without any server. */
export function downloadText(filename: string, text: string, type = 'application/pgp-keys'): void {
	download(filename, new Blob([text], { type }));
}

/** A file name safe on every system, from a person's display name. */
export const fileSafe = (name: string): string =>
	name
		.normalize('NFKD')
		.replace(/[^A-Za-z0-9]+/g, '-')
		.replace(/^-|-$/g, '')
		.toLowerCase() || 'identity';

export function downloadBytes(filename: string, bytes: Uint8Array): void {
	// reason: Blob typings want an ArrayBuffer-backed view; ours always are.
	download(
		filename,
		new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' })
	);
}

function download(filename: string, blob: Blob): void {
	const url = URL.createObjectURL(blob);
	const link = document.createElement('a');
	link.href = url;
	link.download = filename;
	document.body.append(link);
	link.click();
	link.remove();
	setTimeout(() => URL.revokeObjectURL(url), 1000);
}
