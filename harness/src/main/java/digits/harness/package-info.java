/**
 * The front door: {@link digits.harness.Harness}, which the Maven goals call, and {@link digits.harness.Failures},
 * which turns what went wrong into the one line the user sees. The top layer: it may use every other package.
 */
package digits.harness;
