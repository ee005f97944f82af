/** Spring Boot auto-configuration of Idem: engine, store selection, web filters, methods, meters and health. */
package io.idem.spring.autoconfigure;
