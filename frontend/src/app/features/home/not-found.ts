import { Component } from "@angular/core";
import { RouterLink } from "@angular/router";
import { TranslatePipe } from "../../core/translate";

@Component({
	selector: "app-not-found",
	imports: [RouterLink, TranslatePipe],
	template: `
		<h1>{{ "app.notFound" | translate }}</h1>
		<p><a routerLink="/">{{ "app.backHome" | translate }}</a></p>
	`,
})
export class NotFound {}
