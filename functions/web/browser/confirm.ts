import { h } from './dom.ts';

// A confirmation before an action that cannot be undone (cutting a participant's working link,
// withdrawing a dyad): a modal <dialog>, so focus stays inside, Escape cancels, and it fits a phone.

/** Asks the question; resolves true only when the user chooses `confirmLabel`. */
export function confirmAction(question: {
  title: string;
  body: string;
  confirmLabel: string;
}): Promise<boolean> {
  return new Promise((resolve) => {
    const titleId = `confirm-title-${Date.now()}`;
    const bodyId = `${titleId}-body`;
    const cancel = h('button', { type: 'button', class: 'secondary', value: 'cancel', text: 'Cancel' });
    const confirm = h('button', {
      type: 'button',
      class: 'danger',
      value: 'confirm',
      text: question.confirmLabel,
    });
    const dialog = h('dialog', { class: 'confirm', 'aria-labelledby': titleId, 'aria-describedby': bodyId }, [
      h('h2', { id: titleId, text: question.title }),
      h('p', { id: bodyId, text: question.body }),
      h('p', { class: 'buttons' }, [cancel, ' ', confirm]),
    ]);
    const close = (answer: boolean) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    cancel.addEventListener('click', () => close(false));
    confirm.addEventListener('click', () => close(true));
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      close(false);
    });
    document.body.append(dialog);
    dialog.showModal();
    // The safe choice has the focus: Enter on an unread dialog cancels.
    cancel.focus();
  });
}
