/** Previous/next between the pages of one table; hidden when everything fits on one page. */
import { ChangeDetectionStrategy, Component, input, output } from "@angular/core";
import { NumberPipe } from "../../core/format";
import { TranslatePipe } from "../../core/translate";

@Component({
	selector: "app-pager",
	imports: [TranslatePipe, NumberPipe],
	templateUrl: "./pager.html",
	changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Pager {
	readonly page = input.required<number>();
	readonly pages = input.required<number>();
	/** What is paged, for screen readers: "Pages of the runs". */
	readonly label = input.required<string>();
	readonly pageChange = output<number>();
}
