/**
 * Keras call syntax ({@code name}, {@code name(1.5)}, {@code name(a=0.01, mode='fan_in', axis=[0, 1])}) shared by
 * activations, initializers, regularizers and constraints, so that every string a user passes is read by one
 * grammar, fails with one message style, and prints back in one canonical, round-tripping form.
 */
package dev.conv1d.kernels.keras;
