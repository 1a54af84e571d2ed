import { Component } from "@angular/core";
import { TranslatePipe } from "@ngx-translate/core";

@Component({
	selector: "app-account",
	imports: [TranslatePipe],
	template: `<h1>{{ "account.title" | translate }}</h1>`,
})
export class Account {}
