/** Engine internals (binary formats). Not API: may change in any release. */
package io.idem.internal;
