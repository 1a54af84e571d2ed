/**
 * Hands data to the browser as a JSON file to save: a Blob behind an object URL, so the
 * export the API already answered is not fetched a second time.
 */
export function downloadJson(data: unknown, fileName: string, doc: Document = document) {
	const blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
	const url = URL.createObjectURL(blob);
	const link = doc.createElement("a");
	link.href = url;
	link.download = fileName;
	link.hidden = true;
	// Some browsers only follow a link that is in the document.
	doc.body.append(link);
	link.click();
	link.remove();
	// Later, not now: the download may start after click() returns.
	setTimeout(() => URL.revokeObjectURL(url), 1_000);
}
