/** Pages, each loaded on first visit (the charts only with KPIs). Paths are pt-BR, as in e-mails. */
import type { Routes } from "@angular/router";
import { signedIn } from "./core/guards";

export const routes: Routes = [
	{ path: "", loadComponent: () => import("./features/home/home").then((m) => m.Home), title: "Insights" },
	{
		path: "verificar",
		loadComponent: () => import("./features/verify/verify").then((m) => m.Verify),
		title: "Insights",
	},
	{
		path: "interesses",
		canActivate: [signedIn],
		loadComponent: () => import("./features/interests/interests").then((m) => m.InterestsPage),
		title: "Interesses · Insights",
	},
	{
		path: "dicas",
		canActivate: [signedIn],
		loadComponent: () => import("./features/feed/feed").then((m) => m.Feed),
		title: "Dicas · Insights",
	},
	{
		path: "kpis",
		loadComponent: () => import("./features/kpis/kpis").then((m) => m.Kpis),
		title: "KPIs · Insights",
	},
	{
		path: "conta",
		canActivate: [signedIn],
		loadComponent: () => import("./features/account/account").then((m) => m.Account),
		title: "Conta · Insights",
	},
	{
		path: "operador",
		loadComponent: () => import("./features/operator/operator").then((m) => m.Operator),
		title: "Operador · Insights",
	},
	{
		path: "**",
		loadComponent: () => import("./features/home/not-found").then((m) => m.NotFound),
		title: "Insights",
	},
];
