import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatBytes, isQuotaError, STORAGE_MESSAGES, StorageState } from './storage.svelte';

describe('isQuotaError', () => {
	it.each([
		['a QuotaExceededError DOMException', new DOMException('full', 'QuotaExceededError'), true],
		['old Firefox’s name for it', { name: 'NS_ERROR_DOM_QUOTA_REACHED' }, true],
		['another DOMException', new DOMException('no', 'SecurityError'), false],
		['a plain error', new Error('QuotaExceededError'), false],
		['null', null, false],
		['a string', 'QuotaExceededError', false]
	])('%s', (_name, error, expected) => {
		expect(isQuotaError(error)).toBe(expected);
	});
});

describe('formatBytes', () => {
	it.each([
		[0, '1 KB'],
		[1536, '2 KB'],
		[5 * 1024 ** 2, '5.0 MB'],
		[2.5 * 1024 ** 3, '2.5 GB']
	])('%d bytes → %s', (bytes, text) => {
		expect(formatBytes(bytes)).toBe(text);
	});
});

describe('StorageState', () => {
	afterEach(() => vi.unstubAllGlobals());

	const withEstimate = (usage: number, quota: number) =>
		vi.stubGlobal('navigator', { storage: { estimate: async () => ({ usage, quota }) } });

	it.each([
		['89% used: nothing to say', 89, null],
		['90% used: nearly full', 90, 'nearly_full'],
		['no quota known: nothing to say', 0, null]
	])('%s', async (_name, percent, code) => {
		withEstimate(percent * 1024 ** 2, percent ? 100 * 1024 ** 2 : 0);
		const storage = new StorageState();
		await storage.checkQuota();
		expect(storage.problem?.code ?? null).toBe(code);
	});

	it('a refused write wins over a nearly-full estimate, and stays', async () => {
		withEstimate(95, 100);
		const storage = new StorageState();
		storage.noticeError(new DOMException('full', 'QuotaExceededError'));
		await storage.checkQuota();
		expect(storage.problem).toEqual({ code: 'full', message: STORAGE_MESSAGES.full });
	});

	it('other errors are not storage problems', () => {
		const storage = new StorageState();
		storage.noticeError(new TypeError('x is undefined'));
		expect(storage.problem).toBeNull();
	});

	it('asks the browser to keep the data once, and remembers its answer', async () => {
		const persist = vi.fn(async () => true);
		vi.stubGlobal('navigator', { storage: { persisted: async () => false, persist } });
		const storage = new StorageState();
		await storage.keep();
		await storage.keep();
		expect(persist).toHaveBeenCalledTimes(1);
		expect(storage.persisted).toBe(true);
	});
});
