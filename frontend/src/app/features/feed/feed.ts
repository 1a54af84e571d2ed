import { Component } from "@angular/core";
import { TranslatePipe } from "@ngx-translate/core";

@Component({
	selector: "app-feed",
	imports: [TranslatePipe],
	template: `<h1>{{ "feed.title" | translate }}</h1>`,
})
export class Feed {}
