package dev.conversationworker.pseudonymise;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.commons.validator.routines.InetAddressValidator;

/**
 * IPv4 and IPv6 addresses, checked by commons-validator. A version number ({@code v1.2.3.4}, "version 10.0.1.2")
 * is not an address: a letter glued before it, or a version word before it, keeps it.
 */
final class IpAddressFinder implements Finder {

    private static final Pattern IPV4 = Pattern.compile("(?<![\\d.])\\d{1,3}(?:\\.\\d{1,3}){3}(?!\\d|\\.\\d)");
    private static final Pattern IPV6 = Pattern
            .compile("(?<![\\p{L}\\p{N}:.])[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    private static final InetAddressValidator VALIDATOR = InetAddressValidator.getInstance();

    @Override
    public void find(String text, List<Finding> found) {
        if (text.indexOf('.') >= 0) {
            Matcher matcher = IPV4.matcher(text);
            while (matcher.find()) {
                if (VALIDATOR.isValidInet4Address(matcher.group()) && accepted(text, matcher.start(), matcher.end())) {
                    found.add(new Finding(PiiKind.IP_ADDRESS, matcher.start(), matcher.end(), matcher.group()));
                }
            }
        }
        if (text.indexOf(':') >= 0) {
            Matcher matcher = IPV6.matcher(text);
            while (matcher.find()) {
                int end = matcher.end();
                // A sentence's full stop or a colon after the address is not part of it.
                while (end > matcher.start() && !VALIDATOR.isValidInet6Address(text.substring(matcher.start(), end))
                        && (text.charAt(end - 1) == '.' || text.charAt(end - 1) == ':')) {
                    end--;
                }
                String candidate = text.substring(matcher.start(), end);
                if (VALIDATOR.isValidInet6Address(candidate) && accepted(text, matcher.start(), end)) {
                    found.add(new Finding(PiiKind.IP_ADDRESS, matcher.start(), end, canonicalV6(candidate)));
                }
            }
        }
    }

    private static boolean accepted(String text, int start, int end) {
        return Surroundings.standalone(text, start, end) && Cue.before(text, start) != Cue.REFERENCE;
    }

    /** One form per address ({@code 2001:DB8::1} and {@code 2001:db8:0:0:0:0:0:1} are one). A literal: no lookup. */
    private static String canonicalV6(String address) {
        try {
            return InetAddress.getByName(address).getHostAddress();
        } catch (UnknownHostException e) {
            return address.toLowerCase(Locale.ROOT);
        }
    }
}
