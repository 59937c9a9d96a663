/** Offer text as a file download, without any server. */
export function downloadText(filename: string, text: string, type = 'application/pgp-keys'): void {
	const url = URL.createObjectURL(new Blob([text], { type }));
	const link = document.createElement('a');
	link.href = url;
	link.download = filename;
	document.body.append(link);
	link.click();
	link.remove();
	setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A file name safe on every system, from a person's display name. */
export const fileSafe = (name: string): string =>
	name
		.normalize('NFKD')
		.replace(/[^A-Za-z0-9]+/g, '-')
		.replace(/^-|-$/g, '')
		.toLowerCase() || 'identity';
