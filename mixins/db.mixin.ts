/**
 * Storage for a service, over moleculer-db: NeDB files in DATA_DIR by default (the embedded
 * default needs nothing installed), MongoDB when MONGO_URI is set. Same contract on both,
 * proven by test/integration/db-contract.test.ts.
 */
import { join } from "node:path";
import { Errors, type ServiceSchema, type ServiceSettingSchema } from "moleculer";
import DbService from "moleculer-db";
import MongoAdapter from "moleculer-db-adapter-mongo";
import { configOf } from "../config.ts";
import { type AppendHandle, keepFileOpen } from "../lib/nedb-append.ts";
import { updateIndexesInPlace } from "../lib/nedb-index.ts";

export interface DbMixinOptions {
	/** Collection (MongoDB) or file name (NeDB, `<collection>.db`). */
	collection: string;
	/** Fields whose values must be unique across the collection (the id always is). */
	unique?: string[];
	/**
	 * Other fields queried often, each with many distinct values. NeDB keeps one array of
	 * documents per value and copies it on every update of one of them: a field most
	 * documents share a value of (a status) makes each update cost the whole collection.
	 */
	indexed?: string[];
	/** Fields queried often that most documents lack: only the documents that have one are indexed. */
	sparse?: string[];
	/**
	 * Keep moleculer-db's generic CRUD actions (find, list, get, create, insert, update,
	 * remove)? Off by default: services expose their own domain actions instead.
	 */
	crudActions?: boolean;
}

/** A query as moleculer-db's adapters take it (NeDB and MongoDB read it alike). */
export interface StoreQuery {
	query?: object;
	sort?: string[];
	offset?: number;
	limit?: number;
	fields?: string[];
}

/**
 * The store a service gets as `this.adapter`: moleculer-db's adapter, its documents typed
 * at the call (`find<Stored>(…)`), since one collection holds one kind of document.
 */
export interface Store {
	find<T = Record<string, unknown>>(filters: StoreQuery): Promise<T[]>;
	findOne<T = Record<string, unknown>>(query: object): Promise<T | undefined>;
	findById<T = Record<string, unknown>>(id: string): Promise<T | undefined>;
	findByIds<T = Record<string, unknown>>(ids: readonly string[]): Promise<T[]>;
	count(filters?: { query?: object }): Promise<number>;
	insert<T extends object>(doc: T): Promise<T>;
	insertMany<T extends object>(docs: T[]): Promise<T[]>;
	removeMany(query: object): Promise<number>;
	/** A stored document as services answer it: `_id` renamed to `id`. */
	afterRetrieveTransformID<T>(doc: object, idField: "id"): T;
}

/** What DbMixin adds to a service's `this` (declare it in the service's local state). */
export interface DbLocals {
	adapter: Store;
	compactStore(): Promise<void>;
	upsert(id: string, doc: object): Promise<void>;
	updateWhere(query: object, update: object): Promise<number>;
	insertNew<T extends { _id: string }>(docs: T[]): Promise<T[]>;
	pageById<T extends { _id: string }>(query: object, after: string | undefined, limit: number): Promise<T[]>;
	firstBy<T>(query: object, field: string, bound: object, limit: number): Promise<T[]>;
}

/** The part of moleculer-db's adapters that the mixin itself uses. */
interface Adapter {
	db?: {
		ensureIndex(options: { fieldName: string; unique?: boolean; sparse?: boolean }): Promise<void>;
		removeIndexAsync(fieldName: string): Promise<void>;
		/** The indexes NeDB keeps (and reloads from its file), by field. */
		indexes: Record<string, { sparse?: boolean }>;
		compactDatafileAsync(): Promise<void>;
		/** A cursor: without a sort, NeDB stops at the limit, reading candidates in their index's order. */
		findAsync<T>(query: object): { limit(n: number): PromiseLike<T[]> };
		/** NeDB's own promise API; moleculer-db's promisified `update` warns (DEP0174) on Node 24. */
		updateAsync(
			query: object,
			doc: object,
			options: { upsert?: boolean; multi?: boolean },
		): Promise<{ numAffected: number }>;
	};
	collection?: {
		createIndex(keys: Record<string, 1>, options: { unique?: boolean; sparse?: boolean }): Promise<string>;
		replaceOne(query: object, doc: object, options: { upsert: boolean }): Promise<unknown>;
		updateMany(query: object, update: object): Promise<{ modifiedCount: number }>;
	};
}

const crudActions = ["find", "count", "list", "create", "insert", "get", "update", "remove"];

/** A duplicate key from either database, as a 409 the API can show. */
export function mapDbError(err: unknown): unknown {
	const e = err as { errorType?: string; code?: number; key?: unknown; message?: string };
	if (e?.errorType === "uniqueViolated" || e?.code === 11000) {
		return new Errors.MoleculerClientError(
			"An entity with the same key already exists.",
			409,
			"ALREADY_EXISTS",
			{
				key: e.key,
			},
		);
	}
	return err;
}

/** `this` in the mixin's own methods: the store as the services see it, and its database underneath. */
interface Own extends Pick<DbLocals, "firstBy"> {
	adapter: Store & Adapter;
}

/** moleculer-db reads the collection name from the schema itself. */
type DbSchema = Partial<ServiceSchema> & { collection: string };

/** moleculer-db's typings call its export a class; at run time it is a service schema. */
function isSchema(value: unknown): value is Partial<ServiceSchema> {
	return typeof value === "object" && value !== null && "methods" in value;
}
if (!isSchema(DbService))
	throw new Error("moleculer-db does not export a service schema: its version is not supported");
const dbService = DbService;

/** NeDB's own datastore calls the store needs beyond moleculer-db's adapter. */
interface NedbDatastore {
	countAsync(query: object): Promise<number>;
	findOneAsync(query: object): PromiseLike<object | null>;
	insertAsync<T extends object | object[]>(docs: T): Promise<T>;
}

function isNedb(db: unknown): db is NedbDatastore {
	return typeof db === "object" && db !== null && typeof Reflect.get(db, "countAsync") === "function";
}

/**
 * moleculer-db's NeDB adapter, with two of its calls done NeDB's cheaper way:
 * - counting with NeDB's own count: the adapter's `count` finds every matching document and
 *   NeDB deep-copies each one it returns, so counting 100,000 verified subscribers (each
 *   publication's audience) cost a second and a heap of garbage;
 * - reading by ids one index lookup each: the adapter asks for `_id: { $in: ids }`, and NeDB
 *   checks `$in` by walking the list for every candidate, so a batch of n ids cost n²
 *   comparisons (500 ids: most of a live node's delivery, bench live).
 */
class NedbStore extends DbService.MemoryAdapter {
	#appends: AppendHandle | undefined;

	/** Opens the datastore, its file kept open for appends (lib/nedb-append.ts), its indexes updated in place (lib/nedb-index.ts). */
	override connect(): Promise<void> {
		updateIndexesInPlace();
		const loading = super.connect();
		const db: unknown = Reflect.get(this, "db");
		if (typeof db === "object" && db !== null) this.#appends = keepFileOpen(db);
		return loading;
	}

	override async disconnect(): Promise<void> {
		await this.#appends?.close();
		this.#appends = undefined;
		await super.disconnect();
	}

	/** The datastore the adapter opened (its typings leave it out). */
	get #db(): NedbDatastore | undefined {
		const db: unknown = Reflect.get(this, "db");
		return isNedb(db) ? db : undefined;
	}

	override count(filters: { query?: object; search?: string } = {}): Promise<number> {
		const db = this.#db;
		// A full-text `search` is the adapter's own; every count here is a plain query.
		if (filters.search !== undefined || !db) return super.count(filters);
		return db.countAsync(filters.query ?? {});
	}

	// Reads by query and inserts with NeDB's promises: the adapter's are promisified callbacks
	// around them (a promise, a callback, a tick and a promise again per call).
	override async findOne(query: object): Promise<object> {
		const db = this.#db;
		if (!db) return super.findOne(query);
		return (await db.findOneAsync(query)) as object;
	}

	override findById(id: number | string): Promise<object> {
		return this.findOne({ _id: id });
	}

	override insert(entity: object): Promise<object> {
		const db = this.#db;
		return db ? db.insertAsync(entity) : super.insert(entity);
	}

	override insertMany(entities: object[]): Promise<object[]> {
		const db = this.#db;
		return db ? db.insertAsync(entities) : super.insertMany(entities);
	}

	/** The documents stored under `ids` (each once, in the order first asked for); missing ones left out. */
	override async findByIds(ids: readonly (string | number)[]): Promise<object[]> {
		const db = this.#db;
		// (The adapter's typings say numbers; the ids here are always texts.)
		if (!db) return super.findByIds([...ids] as number[]);
		const found = await Promise.all([...new Set(ids)].map((id) => db.findOneAsync({ _id: id })));
		return found.filter((doc): doc is object => doc !== null);
	}
}

export function DbMixin(options: DbMixinOptions): DbSchema {
	const disabled = options.crudActions ? {} : Object.fromEntries(crudActions.map((name) => [name, false]));
	return {
		mixins: [dbService],
		collection: options.collection,
		// Domain ids are stored as the database key, so they are unique by construction.
		settings: { idField: "id" } as ServiceSettingSchema,
		actions: disabled,
		hooks: {
			error: {
				"*"(_ctx: unknown, err: unknown) {
					throw mapDbError(err);
				},
			},
		},
		methods: {
			/**
			 * After an erasure: NeDB appends every change to its file, so the removed document
			 * is still in it until the file is rewritten. Rewrites it now (MongoDB: nothing to do).
			 */
			async compactStore(this: Own): Promise<void> {
				await this.adapter.db?.compactDatafileAsync();
			},
			/** Insert or replace the whole document stored under `id` (an atomic write on both databases). */
			async upsert(this: Own, id: string, doc: object): Promise<void> {
				const { id: _ignored, ...fields } = doc as { id?: unknown };
				const { adapter } = this;
				if (adapter.db) await adapter.db.updateAsync({ _id: id }, { _id: id, ...fields }, { upsert: true });
				else await adapter.collection?.replaceOne({ _id: id }, fields, { upsert: true });
			},
			/**
			 * Applies an update ($set, $pull…) to every document matching `query`; returns how many
			 * changed. Atomic per document on both databases, so "update where the link is still
			 * unused" makes a link single-use.
			 */
			async updateWhere(this: Own, query: object, update: object): Promise<number> {
				const { adapter } = this;
				if (adapter.db) return (await adapter.db.updateAsync(query, update, { multi: true })).numAffected;
				return (await adapter.collection?.updateMany(query, update))?.modifiedCount ?? 0;
			},
			/** The first `limit` documents matching `query` whose id comes after `after`, in id order: a feed's page. */
			pageById<T extends { _id: string }>(
				this: Own,
				query: object,
				after: string | undefined,
				limit: number,
			): Promise<T[]> {
				return this.firstBy<T>(query, "_id", { $gt: after ?? "" }, limit);
			},
			/**
			 * The first `limit` documents matching `query` with `field` within `bound` (a
			 * comparison: `{ $lte: … }`), in ascending order of `field`, which must be indexed. On
			 * NeDB a sort makes it match and sort every document within the bound for each read:
			 * a 100k-client feed cost seconds a page, and a backlog of deliveries cost the mailer
			 * a pass over all of it after each message. Wrapping the query in `$and` leaves NeDB
			 * only `field` to pick an index by, and that index yields documents in order, so
			 * without a sort the read stops at the limit.
			 */
			async firstBy<T>(this: Own, query: object, field: string, bound: object, limit: number): Promise<T[]> {
				const { adapter } = this;
				if (adapter.db) {
					// Without its index NeDB would read in id order, and the limit would cut the wrong documents.
					if (!adapter.db.indexes[field]) throw new Error(`firstBy needs an index on ${field}`);
					return adapter.db.findAsync<T>({ $and: [query], [field]: bound }).limit(limit);
				}
				return adapter.find<T>({ query: { ...query, [field]: bound }, sort: [field], limit });
			},
			/**
			 * Inserts the documents (keyed by `_id`) not stored yet and returns those it inserted:
			 * a redelivered batch, or one another node is storing at the same time, inserts nothing twice.
			 */
			async insertNew<T extends { _id: string }>(this: Own, docs: T[]): Promise<T[]> {
				if (docs.length === 0) return [];
				// NeDB inserts a batch whole or not at all: try it first, and look the ids up only
				// when one exists already (a redelivery; rare). Looking them up first cost as much
				// as the insert itself (bench pipeline).
				if (this.adapter.db)
					try {
						await this.adapter.insertMany(docs);
						return docs;
					} catch (err) {
						if (mapDbError(err) === err) throw err;
					}
				const existing = new Set(
					(await this.adapter.findByIds<{ _id: string }>(docs.map((d) => d._id))).map((d) => d._id),
				);
				const fresh = docs.filter((d) => !existing.has(d._id));
				try {
					if (fresh.length > 0) await this.adapter.insertMany(fresh);
					return fresh;
				} catch {
					// Some were stored meanwhile (NeDB rolls the batch back; MongoDB stops at the first): one by one.
					const inserted: T[] = [];
					for (const doc of fresh) {
						try {
							await this.adapter.insert(doc);
							inserted.push(doc);
						} catch (err) {
							if (mapDbError(err) === err) throw err;
						}
					}
					return inserted;
				}
			},
		},
		// Runs after moleculer-db's own created(), replacing its in-memory default. The adapter
		// is made per service instance: several brokers in one process must not share one.
		created() {
			const config = configOf(this.broker);
			this.adapter = config.mongoUri
				? new MongoAdapter(config.mongoUri)
				: new NedbStore({ filename: join(config.dataDir, `${options.collection}.db`) });
			this.adapter.init(this.broker, this);
		},
		async started() {
			const adapter: Own["adapter"] = this.adapter;
			const indexes = [
				...(options.unique ?? []).map((field) => ({ field, unique: true, sparse: false })),
				...(options.indexed ?? []).map((field) => ({ field, unique: false, sparse: false })),
				...(options.sparse ?? []).map((field) => ({ field, unique: false, sparse: true })),
			];
			// An index no longer declared (NeDB reloads every index its file names) is dropped:
			// NeDB would keep updating it. MongoDB's are left alone: an operator may have made them.
			for (const field of Object.keys(adapter.db?.indexes ?? {}))
				if (field !== "_id" && !indexes.some((index) => index.field === field))
					await adapter.db?.removeIndexAsync(field);
			for (const { field, unique, sparse } of indexes) {
				// A file written when this index was declared otherwise (sparse now, say) reloads the
				// old one, which ensureIndex would keep: replaced.
				const kept = adapter.db?.indexes[field];
				if (kept && Boolean(kept.sparse) !== sparse) await adapter.db?.removeIndexAsync(field);
				if (adapter.db?.ensureIndex) await adapter.db.ensureIndex({ fieldName: field, unique, sparse });
				else await adapter.collection?.createIndex({ [field]: 1 }, { unique, sparse });
			}
		},
	};
}
