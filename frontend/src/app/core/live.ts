/**
 * The live feed: one Socket.IO connection to /live while signed in. Reconnects by itself
 * (to another node if this one stops) and asks for everything after the last notification
 * it saw (`since`), so nothing is missed or shown twice across reconnects.
 */
import { Injectable, inject, type OnDestroy, signal } from "@angular/core";
import { Subject } from "rxjs";
import type { Socket } from "socket.io-client";
import type { Notification, Unread } from "./models";
import { Session } from "./session";

export type LiveState = "offline" | "connecting" | "online";

@Injectable({ providedIn: "root" })
export class LiveFeed implements OnDestroy {
	private readonly session = inject(Session);
	private socket?: Socket;
	/** The newest cursor seen: where a reconnect resumes. */
	private since?: string;
	private readonly seen = new Set<string>();

	readonly state = signal<LiveState>("offline");
	readonly unread = signal<Unread | null>(null);
	readonly lastError = signal<string | null>(null);
	/** Each notification once, oldest first, as it arrives. */
	readonly notifications = new Subject<Notification>();

	/** Starts (or keeps) the connection for the current session. */
	async connect() {
		if (!this.session.signedIn() || this.socket || this.state() === "connecting") return;
		this.state.set("connecting");
		// Loaded on first use: visitors who are not signed in never download it.
		const { io } = await import("socket.io-client");
		if (!this.session.signedIn()) return this.state.set("offline");
		const socket = io("/live", {
			path: "/socket.io",
			// The session is the HttpOnly cookie the handshake carries. A function: every
			// reconnect sends the cursor as it is then.
			auth: (send) => send(this.since ? { since: this.since } : {}),
			reconnectionDelayMax: 10_000,
		});
		socket.on("connect", () => {
			this.state.set("online");
			this.lastError.set(null);
		});
		socket.on("disconnect", () => this.state.set("connecting"));
		socket.on("connect_error", (err: Error & { data?: { type?: string } }) => {
			this.lastError.set(err.message);
			// A session the server refuses will not get better by retrying: the client signs in again.
			if (["UNAUTHORIZED", "SESSION_EXPIRED", "SESSION_REVOKED"].includes(err.data?.type ?? "")) {
				this.disconnect();
				this.session.signOut();
			}
		});
		// The last notification of a delivery brings the unread count after it (one message, not two).
		socket.on("notification", (notification: Notification, unread?: Unread) => {
			if (unread) this.unread.set(unread);
			this.since = notification.cursor;
			if (this.seen.has(notification.id)) return;
			this.seen.add(notification.id);
			this.notifications.next(notification);
		});
		socket.on("unread", (unread: Unread) => this.unread.set(unread));
		// The node is stopping: Socket.IO reconnects by itself, we only say so.
		socket.on("bye", () => this.state.set("connecting"));
		this.socket = socket;
	}

	/** Where to resume from when the feed was loaded by REST first. */
	resumeAfter(cursor: string | undefined) {
		if (cursor && (!this.since || cursor > this.since)) this.since = cursor;
	}

	markRead(body: { ids: string[] } | { all: true }): Promise<{ updated: number }> {
		return new Promise((resolve, reject) => {
			if (!this.socket?.connected) return reject(new Error("offline"));
			this.socket
				.timeout(5_000)
				.emit("read", body, (err: Error | null, answer: { updated: number; error?: { message: string } }) => {
					if (err) reject(err);
					else if (answer?.error) reject(new Error(answer.error.message));
					else resolve(answer);
				});
		});
	}

	disconnect() {
		this.socket?.disconnect();
		this.socket = undefined;
		this.since = undefined;
		this.seen.clear();
		this.state.set("offline");
		this.unread.set(null);
	}

	ngOnDestroy() {
		this.disconnect();
	}
}
