/**
 * Keeps Tab inside an open dialog, the way a modal keeps focus: from the last control Tab goes
 * back to the first, from the first Shift+Tab to the last. Only controls that can take focus
 * and are shown count.
 */

/** What counts as a stop for Tab inside the dialog. */
const FOCUSABLE = ':is(button, a[href], textarea, [tabindex="0"])';

/** Handle a Tab keydown inside `scope` (a selector in `root`); other keys are left alone. */
export function trapTab(e: KeyboardEvent, root: ShadowRoot, scope: string): void {
  if (e.key !== 'Tab') return;
  const focusable = [...root.querySelectorAll<HTMLElement>(`${scope} ${FOCUSABLE}`)].filter(
    (el) => !el.hasAttribute('disabled') && el.getClientRects().length > 0,
  );
  const first = focusable[0];
  const last = focusable[focusable.length - 1];
  const active = root.activeElement;
  if (!first || !last) return;
  if (e.shiftKey && (active === first || !active)) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && active === last) {
    e.preventDefault();
    first.focus();
  }
}
