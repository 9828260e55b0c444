import DOMPurify from 'dompurify';
import { Marked } from 'marked';

// Model replies are Markdown, and a reply can quote anything a user typed: the HTML marked makes is only
// ever shown after DOMPurify has removed scripts, event handlers and javascript: URLs.
const markdown = new Marked({ gfm: true, breaks: true, async: false });

DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  // Links in a reply open elsewhere and cannot reach back into the page.
  if (node instanceof HTMLAnchorElement) {
    node.target = '_blank';
    node.rel = 'noopener noreferrer';
  }
});

/** Shows `source` (Markdown, possibly cut off mid-stream) in `target` as sanitized HTML. */
export function renderMarkdown(target: HTMLElement, source: string): void {
  const html = markdown.parse(source, { async: false });
  target.innerHTML = DOMPurify.sanitize(html, { USE_PROFILES: { html: true } });
}
