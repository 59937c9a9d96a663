/**
 * A known-good record with its signature and its author's key (the test vector
 * `fixtures/vectors/genesis-openpgpjs-v4`). Each verify worker checks it once as it starts, so
 * the first real record finds openpgp loaded, the code on its path compiled and WebCrypto's
 * Ed25519 ready, instead of paying for all that itself. Imported by the worker, and on demand by the verifier to warm its inline path.
 */
import type { VerifyJob } from './verify-core';

export const WARM_UP_JOB: VerifyJob = {
	id: '640bc35f77db4bc43f7a560690cbbae8c5138cdd1c3ea65b8c0f8648a536e48d',
	text: '{"at":1763900000000,"author":"ead999e724161f133ed8699b8a82e1916ea6d01a","body":{"constitution":{"admission":"open","seats":3,"termDays":365},"founderKey":"-----BEGIN PGP PUBLIC KEY BLOCK-----\\n\\nxjMEawRL5BYJKwYBBAHaRw8BAQdAYD6Ox/YqF2rA+juT/mtiVZa44u2q6yU9\\nppxjZllUYHDNBUFsaWNlwsATBBMWCgCFBYJrBEvkAwsJBwkQioLhkW6m0BpF\\nFAAAAAAAHAAgc2FsdEBub3RhdGlvbnMub3BlbnBncGpzLm9yZ8jo22pSjHK1\\nUDAh23Ksj1UNXqK+Cd3KxQ6/8hcWMmUHBRUKCA4MBBYAAgECGQECmwMCHgEW\\nIQTq2ZnnJBYfEz7YaZuKguGRbqbQGgAAYz4A/0X8jSfe2rFmola52gu3XTWo\\nC4qUc+CD/QzlZOE3QHYWAQCT+pu0yTkggwy6WtCoPe+DW29o0vYEId8m9GPy\\nXcAUCM44BGsES+QSCisGAQQBl1UBBQEBB0BycfeT/BvpfAwkpHmU4ArQJGWK\\nHc8RsRBf1RJdd9MRDQMBCAfCvgQYFgoAcAWCawRL5AkQioLhkW6m0BpFFAAA\\nAAAAHAAgc2FsdEBub3RhdGlvbnMub3BlbnBncGpzLm9yZ1dyrQ2/7v5LAaGI\\nREBzAVUmjx+mZWxrAKnnP3HczRJVApsMFiEE6tmZ5yQWHxM+2GmbioLhkW6m\\n0BoAAAYvAQCBSO7bAAMbxMS2Cewz+DSD1YR5uyfBa6cgyIC0+IPXRQD7BV9K\\n5Alm3Wb4im1UlYzJkl232iRBeqgsVL2DbEXCPQU=\\n=3oEt\\n-----END PGP PUBLIC KEY BLOCK-----\\n","name":"Known Answer Republic","parent":null},"country":"","kind":"genesis","v":1}',
	signature:
		'wrsEABYKAG0FgmsES+cJEIqC4ZFuptAaRRQAAAAAABwAIHNhbHRAbm90YXRpb25zLm9wZW5wZ3Bqcy5vcmcgcWZ6CXXl5qj4fudr5HfhNlmOVB9DAmfyskxtxy283RYhBOrZmeckFh8TPthpm4qC4ZFuptAaAADPbwD8DcuwW8K3aRo2a+Uckk2sae/MHVaHjUh98mmxiitGN+8A/RJ4ItRV2HIK4DRUgLKf5IQoBx+rH27p7ahLcWzqlzcM',
	publicKey:
		'-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nxjMEawRL5BYJKwYBBAHaRw8BAQdAYD6Ox/YqF2rA+juT/mtiVZa44u2q6yU9\nppxjZllUYHDNBUFsaWNlwsATBBMWCgCFBYJrBEvkAwsJBwkQioLhkW6m0BpF\nFAAAAAAAHAAgc2FsdEBub3RhdGlvbnMub3BlbnBncGpzLm9yZ8jo22pSjHK1\nUDAh23Ksj1UNXqK+Cd3KxQ6/8hcWMmUHBRUKCA4MBBYAAgECGQECmwMCHgEW\nIQTq2ZnnJBYfEz7YaZuKguGRbqbQGgAAYz4A/0X8jSfe2rFmola52gu3XTWo\nC4qUc+CD/QzlZOE3QHYWAQCT+pu0yTkggwy6WtCoPe+DW29o0vYEId8m9GPy\nXcAUCM44BGsES+QSCisGAQQBl1UBBQEBB0BycfeT/BvpfAwkpHmU4ArQJGWK\nHc8RsRBf1RJdd9MRDQMBCAfCvgQYFgoAcAWCawRL5AkQioLhkW6m0BpFFAAA\nAAAAHAAgc2FsdEBub3RhdGlvbnMub3BlbnBncGpzLm9yZ1dyrQ2/7v5LAaGI\nREBzAVUmjx+mZWxrAKnnP3HczRJVApsMFiEE6tmZ5yQWHxM+2GmbioLhkW6m\n0BoAAAYvAQCBSO7bAAMbxMS2Cewz+DSD1YR5uyfBa6cgyIC0+IPXRQD7BV9K\n5Alm3Wb4im1UlYzJkl232iRBeqgsVL2DbEXCPQU=\n=3oEt\n-----END PGP PUBLIC KEY BLOCK-----\n',
	author: 'ead999e724161f133ed8699b8a82e1916ea6d01a',
	checkSignature: true
};
