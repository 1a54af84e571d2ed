import { Component } from "@angular/core";
import { TranslatePipe } from "@ngx-translate/core";

@Component({
	selector: "app-home",
	imports: [TranslatePipe],
	template: `<h1>{{ "home.title" | translate }}</h1>`,
})
export class Home {}
