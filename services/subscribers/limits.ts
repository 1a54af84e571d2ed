/**
 * Abuse limits on registration and sign-in links: per client IP and per e-mail address.
 * Over the limit is a 429 with Retry-After. In memory per node (rate-limiter-flexible).
 */
import { Errors } from "moleculer";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

export interface Limiter {
	/** Throws 429 when `key` has used up its points. */
	take(key: string): Promise<void>;
}

export function limiter(points: number, durationSeconds: number, what: string): Limiter {
	const inner = new RateLimiterMemory({ points, duration: durationSeconds });
	return {
		async take(key) {
			try {
				await inner.consume(key);
			} catch (err) {
				if (!(err instanceof RateLimiterRes)) throw err;
				const retryAfter = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
				throw new Errors.MoleculerClientError(
					`Too many requests ${what}: try again in ${retryAfter} s.`,
					429,
					"TOO_MANY_REQUESTS",
					{ retryAfter },
				);
			}
		},
	};
}
