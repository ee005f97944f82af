package io.idem.spring.it.app;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The application the web tests start, on MVC or on WebFlux: the same controllers, listener and security. */
@SpringBootApplication
public class TestApp {}
