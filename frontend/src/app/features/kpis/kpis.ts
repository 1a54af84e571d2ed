import { Component } from "@angular/core";
import { TranslatePipe } from "@ngx-translate/core";

@Component({
	selector: "app-kpis",
	imports: [TranslatePipe],
	template: `<h1>{{ "kpis.title" | translate }}</h1>`,
})
export class Kpis {}
