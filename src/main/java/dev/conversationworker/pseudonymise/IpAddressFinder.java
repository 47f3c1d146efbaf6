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
        // From each colon outwards: a pattern scanning the whole text would start at every letter a to f.
        int searchFrom = 0;
        for (int colon = text.indexOf(':'); colon >= 0; colon = text.indexOf(':', Math.max(colon + 1, searchFrom))) {
            int start = colon;
            while (start > 0 && isV6Char(text.charAt(start - 1))) {
                start--;
            }
            int end = colon + 1;
            while (end < text.length() && isV6Char(text.charAt(end))) {
                end++;
            }
            searchFrom = end;
            if (start > 0 && Character.isLetterOrDigit(text.charAt(start - 1))) {
                continue;
            }
            // A sentence's full stop or a colon after the address is not part of it.
            while (end > start && !VALIDATOR.isValidInet6Address(text.substring(start, end))
                    && (text.charAt(end - 1) == '.' || text.charAt(end - 1) == ':')) {
                end--;
            }
            String candidate = text.substring(start, end);
            if (candidate.indexOf(':') != candidate.lastIndexOf(':') && VALIDATOR.isValidInet6Address(candidate)
                    && accepted(text, start, end)) {
                found.add(new Finding(PiiKind.IP_ADDRESS, start, end, canonicalV6(candidate)));
            }
        }
    }

    private static boolean isV6Char(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
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
