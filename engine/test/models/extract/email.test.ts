import t from 'tap';
import { findEmails } from '../../../src/models/extract/email.js';

const values = (text: string, asked = false) => findEmails(text, asked).map((h) => h.value);

t.test('emails as people type them', async (t) => {
  const cases: Array<[string, string[]]> = [
    ['ann@example.com', ['ann@example.com']],
    ['my email is Ann.Lee+solar@Example.CO.UK.', ['Ann.Lee+solar@example.co.uk']],
    ['reach me at <bob@acme.io>, thanks', ['bob@acme.io']],
    ['mailto:c@d.org', ['c@d.org']],
    ['work a@b.com or home c@d.com', ['a@b.com', 'c@d.com']],
    ['no email here', []],
    ['meet @ noon', []],
  ];
  for (const [text, want] of cases) t.same(values(text), want, text);
});

t.test('a malformed attempt is still returned, for the caller to reject', async (t) => {
  t.same(values('ann@example'), ['ann@example']);
  t.same(values('it is @example.com'), ['@example.com']);
});

t.test('spelled-out emails only when the email was asked for', async (t) => {
  t.same(values('ann at example dot com', true), ['ann@example.com']);
  t.same(values('ann (at) example (dot) co (dot) uk', true), ['ann@example.co.uk']);
  t.same(values('ann at example dot com', false), []);
});

t.test('spans cover the address exactly', async (t) => {
  const [h] = findEmails('email: ann@example.com.');
  t.equal('email: ann@example.com.'.slice(h!.start, h!.end), 'ann@example.com');
});
