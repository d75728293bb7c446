/**
 * Whose credentials an upstream may see: which vendor an upstream's host belongs to ({@link
 * dev.interpose.proxy.credential.Vendor}), whether a request's credential is forwarded, stripped, replaced by the
 * upstream's own key or refused ({@link dev.interpose.proxy.credential.CredentialPolicy}), and the headers an
 * upstream is sent accordingly, without another vendor's headers and with its configured edits ({@link
 * dev.interpose.proxy.credential.UpstreamHeaders}). Stateless and cheap: run on the event loop for each attempt.
 */
package dev.interpose.proxy.credential;
