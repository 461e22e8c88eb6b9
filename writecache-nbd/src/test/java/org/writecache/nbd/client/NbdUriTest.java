package org.writecache.nbd.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The URI forms of the NBD URI specification (doc/uri.md), its examples, and what this client refuses. */
class NbdUriTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "nbd://example.com/disk          | example.com | 10809 | disk",
        "nbd://example.com/              | example.com | 10809 | ''",
        "nbd://example.com               | example.com | 10809 | ''",
        "nbd://example.com//disk         | example.com | 10809 | /disk",
        "nbd://example.com/hello%20world | example.com | 10809 | hello world",
        "nbd://127.0.0.1:10900/x         | 127.0.0.1   | 10900 | x",
        "NBD://[::1]:9/e                 | [::1]       | 9     | e",
    })
    void tcpUrisOfTheSpecification(final String text, final String host, final int port, final String export) {
        final NbdUri u = NbdUri.parse(text);
        assertEquals(host, u.host());
        assertEquals(port, u.port());
        assertEquals(export, u.exportName());
        assertFalse(u.isUnix());
        assertTrue(u.address() instanceof InetSocketAddress);
        assertEquals(text, u.toString());
    }

    @Test
    void unixSocketUris() {
        final NbdUri u = NbdUri.parse("nbd+unix:///disk?socket=/tmp/a%2Bb%20c.sock");
        assertTrue(u.isUnix());
        assertEquals("disk", u.exportName());
        assertEquals(Path.of("/tmp/a+b c.sock"), u.socket());
        assertEquals(UnixDomainSocketAddress.of("/tmp/a+b c.sock"), u.address());
        assertNull(u.host());
        assertEquals("", NbdUri.parse("nbd+unix:///?socket=s").exportName());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "nbds://example.com/disk               | TLS",
        "nbds+unix:///disk?socket=s            | TLS",
        "nbd://example.com/disk?tls-type=x509  | TLS",
        "nbd+unix:///disk                      | needs ?socket=PATH",
        "nbd+unix://host/disk?socket=s         | has no host",
        "nbd+unix:///disk?socket=s&colour=red  | unknown query parameter 'colour'",
        "nbd://example.com/disk?socket=s       | a TCP URI takes none",
        "nbd:///disk                           | needs a host",
        "nbd:disk                              | write it as nbd://",
        "nbd://user@example.com/disk           | user information",
        "http://example.com/disk               | scheme must be nbd or nbd+unix",
        "nbd+unix:///d?socket=%zz              | escape",
        "nbd://exa mple.com/                   | bad NBD URI",
    })
    void badUrisAreRefusedWithOneLineSayingWhy(final String text, final String why) {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NbdUri.parse(text));
        assertTrue(e.getMessage().contains(why) && e.getMessage().startsWith("bad NBD URI '" + text.trim() + "'"),
            e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void nbdLocationsAreToldApartFromPaths() {
        assertTrue(NbdUri.isNbd("nbd://h/e"));
        assertTrue(NbdUri.isNbd("nbd+unix:///e?socket=s"));
        assertTrue(NbdUri.isNbd("nbds://h/e"), "refused later, with a reason");
        assertFalse(NbdUri.isNbd("/var/data/disk.img"));
        assertFalse(NbdUri.isNbd("nbd.img"));
    }
}
