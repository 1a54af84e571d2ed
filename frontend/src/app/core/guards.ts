/** Pages of a signed-in client: without a session, home explains how to sign in. */
import { inject } from "@angular/core";
import { type CanActivateFn, Router } from "@angular/router";
import { Session } from "./session";

export const signedIn: CanActivateFn = () =>
	inject(Session).signedIn() ? true : inject(Router).createUrlTree(["/"], { queryParams: { entrar: 1 } });
