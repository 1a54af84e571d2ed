import { Component } from "@angular/core";
import { TranslatePipe } from "@ngx-translate/core";

@Component({
	selector: "app-interests",
	imports: [TranslatePipe],
	template: `<h1>{{ "interests.title" | translate }}</h1>`,
})
export class InterestsPage {}
