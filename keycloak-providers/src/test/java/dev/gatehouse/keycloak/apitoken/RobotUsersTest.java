package dev.gatehouse.keycloak.apitoken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RobotUsersTest {

  @Test
  void aRobotHasAUsernameAndAnOptionalDescription() {
    assertThat(RobotUsers.NewRobot.parse("{\"username\":\"partner-acme\",\"description\":\" ACME order sync \"}"))
        .isEqualTo(new RobotUsers.NewRobot("partner-acme", "ACME order sync"));
    assertThat(RobotUsers.NewRobot.parse("{\"username\":\"acme.bot_2\"}"))
        .isEqualTo(new RobotUsers.NewRobot("acme.bot_2", null));
  }

  @Test
  void badBodiesAreRefusedSayingWhatToSend() {
    assertThatThrownBy(() -> RobotUsers.NewRobot.parse("")).hasMessageContaining("Send a JSON object");
    assertThatThrownBy(() -> RobotUsers.NewRobot.parse("[1]")).hasMessageContaining("Send a JSON object");
    assertThatThrownBy(() -> RobotUsers.NewRobot.parse("{\"username\":\"acme\",\"password\":\"x\"}"))
        .hasMessageContaining("Unknown field 'password'");
    assertThatThrownBy(() -> RobotUsers.NewRobot.parse("{\"username\":\"Acme Corp\"}"))
        .hasMessageContaining("\"username\" must be");
    assertThatThrownBy(() -> RobotUsers.NewRobot.parse("{\"username\":\"ab\"}")).hasMessageContaining("3 to 63");
    assertThatThrownBy(() -> RobotUsers.NewRobot.parse("{\"username\":\"acme\",\"description\":\"a\\nb\"}"))
        .hasMessageContaining("\"description\"");
  }
}
