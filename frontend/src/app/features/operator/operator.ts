import { Component } from "@angular/core";
import { TranslatePipe } from "@ngx-translate/core";

@Component({
	selector: "app-operator",
	imports: [TranslatePipe],
	template: `<h1>{{ "operator.title" | translate }}</h1>`,
})
export class Operator {}
