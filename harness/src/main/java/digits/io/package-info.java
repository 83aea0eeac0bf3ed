/**
 * File and text helpers any package may use: atomic writes and moves, SHA-256, first lines of messages.
 * Depends on no other digits package.
 */
package digits.io;
