package io.bastion.auth.server;

/**
 * Who changes a client, for the audit trail: a dashboard user (username and roles) or a ctl token (its
 * role), with the client IP and request id when there is one.
 */
public record ClientActor(String who, String role, String networkAddress, String requestId) {
}
