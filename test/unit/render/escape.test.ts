import { describe, expect, it } from 'vitest';
import { markdownText, plainText } from '../../../src/core/render/escape.js';

describe('text from files and issues, made plain for a terminal', () => {
  it('removes escape sequences, bidi overrides and zero-width characters, and folds line breaks', () => {
    expect(plainText('a\u001b]0;pwned\u0007b')).toBe('a]0;pwnedb');
    expect(plainText('ok\u202egnp.exe')).toBe('okgnp.exe');
    expect(plainText('one\r\ntwo\nthree')).toBe('one two three');
  });

  it('folds the Unicode line and paragraph separators too, so a reason cannot start a line of its own', () => {
    expect(plainText('reason\u2028::error::gate passed\u2029end')).toBe('reason ::error::gate passed end');
  });

  it('removes the invisible format characters that can hide or reorder text: BOM, word joiners, the Arabic letter mark', () => {
    expect(plainText('\ufeffal\u2060ice\u2061\u2064@example.com\u061c')).toBe('alice@example.com');
    expect(plainText('a\u206ab\u206fc')).toBe('abc');
  });

  it('keeps ordinary letters of every script', () => {
    expect(plainText('Zoë Ødegaard, 山田 太郎, محمد')).toBe('Zoë Ødegaard, 山田 太郎, محمد');
  });

  it('writes Markdown and HTML characters as entities, after the same cleaning', () => {
    expect(markdownText('@acme/security <b>\u2028')).toBe('&#64;acme/security &#60;b&#62; ');
  });
});
