// Reads a key=value configuration file the way Posit Workbench does (Boost.Program_options'
// config-file parser, every option accepted) and prints each setting as
// "<key>\0<value>\0" on stdout, keys of sections prefixed with "<section>.".
// Exit status 1 with the parser's message on stderr when the file is rejected.
//
// usage: boost-config-read FILE
#include <boost/program_options.hpp>
#include <fstream>
#include <iostream>

namespace po = boost::program_options;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: boost-config-read FILE" << std::endl;
    return 2;
  }
  std::ifstream file(argv[1]);
  if (!file) {
    std::cerr << "cannot open " << argv[1] << std::endl;
    return 2;
  }
  try {
    po::options_description none;
    po::parsed_options parsed = po::parse_config_file(file, none, true);
    for (const po::option& option : parsed.options) {
      std::cout << option.string_key << '\0';
      std::cout << (option.value.empty() ? std::string() : option.value.front()) << '\0';
    }
  } catch (const std::exception& error) {
    std::cerr << error.what() << std::endl;
    return 1;
  }
  return 0;
}
