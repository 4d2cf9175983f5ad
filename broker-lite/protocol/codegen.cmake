# Generates the Kafka message codecs (messages.h / messages.cc / messages_testing.h) from the
# project's .kmsg definitions at build time and adds them to broker_protocol. Included by
# broker-lite/protocol/CMakeLists.txt. Regenerates when a definition or the generator changes.
file(GLOB KMSG_FILES CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/messages/*.kmsg)
file(GLOB KMSG_GENERATOR CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/codegen/*.py)
set(KMSG_OUT_ROOT ${CMAKE_CURRENT_BINARY_DIR}/generated)
set(KMSG_OUT_DIR ${KMSG_OUT_ROOT}/broker-lite/protocol)
set(KMSG_OUTPUTS ${KMSG_OUT_DIR}/messages.h ${KMSG_OUT_DIR}/messages.cc
                 ${KMSG_OUT_DIR}/messages_testing.h)

add_custom_command(
  OUTPUT ${KMSG_OUTPUTS}
  COMMAND Python3::Interpreter ${CMAKE_CURRENT_SOURCE_DIR}/codegen/kmsg_codegen.py
          --out ${KMSG_OUT_ROOT} ${KMSG_FILES}
  DEPENDS ${KMSG_FILES} ${KMSG_GENERATOR}
  COMMENT "Generating Kafka message codecs from ${CMAKE_CURRENT_SOURCE_DIR}/messages"
  VERBATIM)

target_sources(broker_protocol PRIVATE ${KMSG_OUTPUTS})
target_include_directories(broker_protocol PUBLIC ${KMSG_OUT_ROOT})
