/**
 * The JSON body parser of the API's routes: body-parser's, with its refusals kept as the
 * client errors they are. moleculer-web would wrap a corrupt gzip or deflate body's error
 * (`code: "Z_DATA_ERROR"`, `status: 400`) into a MoleculerError with a string code, which
 * the gateway can only answer as a 500.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import bodyParser from "body-parser";
import { Errors } from "moleculer";

type Next = (err?: unknown) => void;

export function jsonBody(limit: string): (req: IncomingMessage, res: ServerResponse, next: Next) => void {
	const parse = bodyParser.json({ strict: true, limit });
	return (req, res, next) =>
		parse(req, res, (err?: { status?: number; message?: string }) => {
			const status = err?.status;
			if (!err || typeof status !== "number" || status < 400 || status >= 500) return next(err);
			next(
				new Errors.MoleculerClientError(
					`The request body cannot be read: ${err.message}`,
					status,
					status === 413 ? "PAYLOAD_TOO_LARGE" : "INVALID_BODY",
				),
			);
		});
}
