// Review actions shared by the event page and the review queue.
import { review } from './api.js';
import { toast } from './dom.js';
import { editEvent } from './edit.js';

const DONE = { confirm: 'confirmed', reject: 'rejected', reopen: 'reopened', edit: 'saved' };

// Runs `action` on `event`; resolves with the updated event, or null when nothing was done.
export async function act(event, action, vocab) {
  try {
    let updated;
    if (action === 'edit') {
      updated = await editEvent(event, vocab, (changes, note) => review(event.id, 'edit', { changes, note }));
      if (!updated) return null;
    } else {
      updated = await review(event.id, action);
    }
    toast(`Event ${event.id} ${DONE[action]}`, 'ok');
    return updated;
  } catch (e) {
    toast(e.message);
    return null;
  }
}
