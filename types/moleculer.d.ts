/**
 * The keys Insights adds to Moleculer's action schemas, declared once here (module
 * augmentation) so an action states them as plain fields, type-checked, instead of
 * smuggling them in with casts. moleculer-web declares `rest` the same way.
 */
import "moleculer";
import type { BulkheadOptions } from "moleculer/src/middlewares";
import type { OperationHints } from "../services/api/openapi.ts";

declare module "moleculer" {
	interface ActionSchema {
		/**
		 * Who may call it over HTTP: a signed-in client ("subscriber") or the operator
		 * (OPERATOR_TOKEN); absent: anyone. The api gateway checks it (its `authorize`).
		 */
		auth?: "subscriber" | "operator";
		/** What the OpenAPI document says beyond params and `rest` (services/api/openapi.ts). */
		openapi?: OperationHints;
		/** This action's request timeout in ms, over the broker's default (Moleculer reads it). */
		timeout?: number;
	}

	interface EventSchema {
		/** Moleculer's bulkhead applies to event handlers too; its event typings lack it. */
		bulkhead?: BulkheadOptions;
	}
}
