/** Pages, each loaded on first visit (the charts only with KPIs). Paths are pt-BR, as in e-mails. */
import type { Routes } from "@angular/router";
import { signedIn } from "./core/guards";
import { textsOf } from "./core/i18n";

const texts = {
	home: textsOf(() => import("./features/home/i18n").then((m) => m.homeTexts)),
	interests: textsOf(() => import("./features/interests/i18n").then((m) => m.interestsTexts)),
	feed: textsOf(() => import("./features/feed/i18n").then((m) => m.feedTexts)),
	kpis: textsOf(() => import("./features/kpis/i18n").then((m) => m.kpisTexts)),
	account: textsOf(() => import("./features/account/i18n").then((m) => m.accountTexts)),
	operator: textsOf(() => import("./features/operator/i18n").then((m) => m.operatorTexts)),
};

export const routes: Routes = [
	{
		path: "",
		resolve: { texts: texts.home },
		loadComponent: () => import("./features/home/home").then((m) => m.Home),
		title: "Insights",
	},
	{
		path: "verificar",
		resolve: { texts: texts.home },
		loadComponent: () => import("./features/verify/verify").then((m) => m.Verify),
		title: "Insights",
	},
	{
		path: "interesses",
		canActivate: [signedIn],
		resolve: { texts: texts.interests },
		loadComponent: () => import("./features/interests/interests").then((m) => m.InterestsPage),
		title: "Interesses · Insights",
	},
	{
		path: "dicas",
		canActivate: [signedIn],
		resolve: { texts: texts.feed },
		loadComponent: () => import("./features/feed/feed").then((m) => m.Feed),
		title: "Dicas · Insights",
	},
	{
		path: "kpis",
		resolve: { texts: texts.kpis },
		loadComponent: () => import("./features/kpis/kpis").then((m) => m.Kpis),
		title: "KPIs · Insights",
	},
	{
		path: "conta",
		canActivate: [signedIn],
		resolve: { texts: texts.account },
		loadComponent: () => import("./features/account/account").then((m) => m.Account),
		title: "Conta · Insights",
	},
	{
		path: "operador",
		resolve: { texts: texts.operator },
		loadComponent: () => import("./features/operator/operator").then((m) => m.Operator),
		title: "Operador · Insights",
	},
	{
		path: "**",
		loadComponent: () => import("./features/home/not-found").then((m) => m.NotFound),
		title: "Insights",
	},
];
