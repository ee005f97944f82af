/** Shared by the web filters and the method interceptor; not an API. */
package io.idem.spring.internal;
