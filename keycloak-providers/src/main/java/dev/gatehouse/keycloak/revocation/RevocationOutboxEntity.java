package dev.gatehouse.keycloak.revocation;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A revocation waiting in Keycloak's own database for delivery to the gateways' database. Written in the same
 * transaction as the change it describes, so it exists exactly when the change committed; deleted once delivered
 * (or once it can no longer affect any token).
 */
@Entity
@Table(name = "GATEHOUSE_REVOCATION_OUTBOX")
public class RevocationOutboxEntity {
  @Id
  @Column(name = "ID", length = 36)
  private String id;

  @Column(name = "REALM_ID", length = 36, nullable = false)
  private String realmId;

  @Column(name = "KIND", length = 16, nullable = false)
  private String kind;

  @Column(name = "REVOKED_KEY", length = 255, nullable = false)
  private String key;

  @Column(name = "REASON", length = 32, nullable = false)
  private String reason;

  @Column(name = "NOT_BEFORE", nullable = false)
  private long notBefore;

  @Column(name = "EXPIRES_AT", nullable = false)
  private long expiresAt;

  /** The node that recorded it: that node delivers it at once, any node once it is older than the orphan age. */
  @Column(name = "NODE", length = 255, nullable = false)
  private String node;

  @Column(name = "CREATED_AT", nullable = false)
  private long createdAt;

  public String getId() {
    return id;
  }

  public void setId(String id) {
    this.id = id;
  }

  public String getRealmId() {
    return realmId;
  }

  public void setRealmId(String realmId) {
    this.realmId = realmId;
  }

  public String getKind() {
    return kind;
  }

  public void setKind(String kind) {
    this.kind = kind;
  }

  public String getKey() {
    return key;
  }

  public void setKey(String key) {
    this.key = key;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public long getNotBefore() {
    return notBefore;
  }

  public void setNotBefore(long notBefore) {
    this.notBefore = notBefore;
  }

  public long getExpiresAt() {
    return expiresAt;
  }

  public void setExpiresAt(long expiresAt) {
    this.expiresAt = expiresAt;
  }

  public String getNode() {
    return node;
  }

  public void setNode(String node) {
    this.node = node;
  }

  public long getCreatedAt() {
    return createdAt;
  }

  public void setCreatedAt(long createdAt) {
    this.createdAt = createdAt;
  }
}
