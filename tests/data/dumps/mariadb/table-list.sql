/*M!999999\- enable the sandbox mode */ 
-- MariaDB dump 10.19  Distrib 10.11.14-MariaDB, for debian-linux-gnu (x86_64)
--
-- Host: localhost    Database: cacert
-- ------------------------------------------------------
-- Server version	10.11.14-MariaDB-0+deb12u2

/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET @OLD_CHARACTER_SET_RESULTS=@@CHARACTER_SET_RESULTS */;
/*!40101 SET @OLD_COLLATION_CONNECTION=@@COLLATION_CONNECTION */;
/*!40101 SET NAMES utf8mb4 */;
/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;
/*!40103 SET TIME_ZONE='+00:00' */;
/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;
/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;
/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;
/*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */;

--
-- Table structure for table `users`
--

DROP TABLE IF EXISTS `users`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `users` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `email` varchar(255) NOT NULL DEFAULT '',
  `password` varchar(255) NOT NULL DEFAULT '',
  `fname` varchar(255) NOT NULL DEFAULT '',
  `mname` varchar(255) NOT NULL DEFAULT '',
  `lname` varchar(255) NOT NULL DEFAULT '',
  `suffix` varchar(50) NOT NULL DEFAULT '',
  `dob` date NOT NULL DEFAULT '0000-00-00',
  `verified` int(1) NOT NULL DEFAULT 0,
  `ccid` int(3) NOT NULL DEFAULT 0,
  `regid` int(5) NOT NULL DEFAULT 0,
  `locid` int(7) NOT NULL DEFAULT 0,
  `listme` int(1) NOT NULL DEFAULT 0,
  `codesign` int(1) NOT NULL DEFAULT 0,
  `1024bit` tinyint(1) NOT NULL DEFAULT 0,
  `contactinfo` varchar(255) NOT NULL DEFAULT '',
  `admin` tinyint(1) NOT NULL DEFAULT 0,
  `orgadmin` tinyint(1) NOT NULL DEFAULT 0,
  `ttpadmin` tinyint(1) NOT NULL DEFAULT 0,
  `adadmin` tinyint(1) unsigned NOT NULL DEFAULT 0,
  `board` tinyint(1) NOT NULL DEFAULT 0,
  `tverify` tinyint(1) NOT NULL DEFAULT 0,
  `locadmin` tinyint(1) NOT NULL DEFAULT 0,
  `language` varchar(5) NOT NULL DEFAULT '',
  `Q1` varchar(255) NOT NULL DEFAULT '',
  `Q2` varchar(255) NOT NULL DEFAULT '',
  `Q3` varchar(255) NOT NULL DEFAULT '',
  `Q4` varchar(255) NOT NULL DEFAULT '',
  `Q5` varchar(255) NOT NULL DEFAULT '',
  `A1` varchar(255) NOT NULL DEFAULT '',
  `A2` varchar(255) NOT NULL DEFAULT '',
  `A3` varchar(255) NOT NULL DEFAULT '',
  `A4` varchar(255) NOT NULL DEFAULT '',
  `A5` varchar(255) NOT NULL DEFAULT '',
  `created` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  `modified` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  `deleted` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  `locked` tinyint(1) NOT NULL DEFAULT 0,
  `uniqueID` varchar(255) NOT NULL,
  `otphash` varchar(16) NOT NULL DEFAULT '',
  `otppin` smallint(4) unsigned zerofill NOT NULL DEFAULT 0000,
  `assurer` int(2) NOT NULL DEFAULT 0,
  `assurer_blocked` tinyint(1) NOT NULL DEFAULT 0,
  `lastLoginAttempt` datetime DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ccid` (`ccid`),
  KEY `regid` (`regid`),
  KEY `locid` (`locid`),
  KEY `email` (`email`),
  KEY `stats_users_created` (`created`),
  KEY `stats_users_verified` (`verified`),
  KEY `userverified` (`verified`)
) ENGINE=InnoDB AUTO_INCREMENT=900006 DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Dumping data for table `users`
--

LOCK TABLES `users` WRITE;
/*!40000 ALTER TABLE `users` DISABLE KEYS */;
INSERT INTO `users` VALUES
(900001,'jÃ¶rg@example.org','','JÃ¶rg','','MÃ¼ller-LÃ¼denscheidt','','1970-01-31',0,0,0,0,0,0,0,'',0,0,0,0,0,0,0,'','','','','','','','','','','','2004-01-01 00:00:00','0000-00-00 00:00:00','0000-00-00 00:00:00',0,'h1','',0000,1,0,NULL),
(900002,'obrien@example.org','','O\'Brien','Tab	here','Back\\slash \"quoted\"','Jr.','0000-00-00',0,0,0,0,0,0,0,'',0,0,1,0,0,0,0,'','','','','','','','','','','','2004-01-01 00:00:00','0000-00-00 00:00:00','0000-00-00 00:00:00',0,'h2','',0000,0,0,NULL),
(900003,'smile@example.org','','Line\nbreak','Nul\0byte','Smile ðŸ˜€','','1990-12-31',0,0,0,0,0,0,0,'',0,0,0,0,0,0,0,'','','','','','','','','','','','2004-01-01 00:00:00','0000-00-00 00:00:00','2011-02-03 04:05:06',1,'h3','',0000,0,0,NULL),
(900004,'zhang@example.org','','Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©x','','ZhÄng å¼ ','','1985-06-15',0,0,0,0,0,0,0,'',0,0,2,0,0,0,0,'','','','','','','','','','','','2004-01-01 00:00:00','0000-00-00 00:00:00','0000-00-00 00:00:00',0,'h4','',0000,0,0,NULL),
(900005,'cp1252@example.org','','ÃÃÃÃÃ â‚¬uro â€šquotesâ€˜ â€žÅ½â€œ','','Å’uvre â€¢ Å aÅ¡ â€“ â„¢','','1975-03-04',0,0,0,0,0,0,0,'',0,0,0,0,0,0,0,'','','','','','','','','','','','2004-01-01 00:00:00','0000-00-00 00:00:00','0000-00-00 00:00:00',0,'h5','',0000,1,1,NULL);
/*!40000 ALTER TABLE `users` ENABLE KEYS */;
UNLOCK TABLES;

--
-- Table structure for table `notary`
--

DROP TABLE IF EXISTS `notary`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `notary` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `from` int(11) NOT NULL DEFAULT 0,
  `to` int(11) NOT NULL DEFAULT 0,
  `awarded` int(3) NOT NULL DEFAULT 0,
  `points` int(3) NOT NULL DEFAULT 0,
  `method` enum('Face to Face Meeting','Trusted Third Parties','Thawte Points Transfer','Administrative Increase','CT Magazine - Germany','Temporary Increase','Unknown','TOPUP','TTP-Assisted') NOT NULL DEFAULT 'Face to Face Meeting',
  `location` varchar(255) NOT NULL DEFAULT '',
  `date` varchar(255) NOT NULL DEFAULT '',
  `when` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  `expire` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  `sponsor` int(11) NOT NULL DEFAULT 0,
  `deleted` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  PRIMARY KEY (`id`),
  KEY `from` (`from`),
  KEY `to` (`to`),
  KEY `from_2` (`from`),
  KEY `to_2` (`to`),
  KEY `stats_notary_when` (`when`),
  KEY `stats_notary_method` (`method`)
) ENGINE=InnoDB AUTO_INCREMENT=9000007 DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Dumping data for table `notary`
--

LOCK TABLES `notary` WRITE;
/*!40000 ALTER TABLE `notary` DISABLE KEYS */;
INSERT INTO `notary` VALUES
(9000001,900001,900002,35,35,'Face to Face Meeting','KÃ¶ln, CafÃ© am Dom','13.6.2005','2005-06-13 10:00:00','0000-00-00 00:00:00',0,'0000-00-00 00:00:00'),
(9000002,900003,900002,0,10,'Face to Face Meeting','Paris; -- here','2004-02-10','2004-02-10 12:00:00','0000-00-00 00:00:00',0,'0000-00-00 00:00:00'),
(9000003,900004,900002,20,20,'Face to Face Meeting','TTP \"x\" \\ y','anfang 2004','2004-03-01 09:00:00','0000-00-00 00:00:00',0,'0000-00-00 00:00:00'),
(9000004,900002,900001,35,35,'Face to Face Meeting','ðŸ  Home\nsecond line','2009-01-01','2009-01-02 10:00:00','0000-00-00 00:00:00',0,'2010-01-01 00:00:00'),
(9000005,900005,900001,30,30,'','Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©Ã©y','','0000-00-00 00:00:00','0000-00-00 00:00:00',0,'0000-00-00 00:00:00'),
(9000006,900001,900005,35,35,'TTP-Assisted','Wien','2016-01-01','2016-01-01 10:00:00','2018-01-01 00:00:00',0,'0000-00-00 00:00:00');
/*!40000 ALTER TABLE `notary` ENABLE KEYS */;
UNLOCK TABLES;
/*!50003 SET @saved_cs_client      = @@character_set_client */ ;
/*!50003 SET @saved_cs_results     = @@character_set_results */ ;
/*!50003 SET @saved_col_connection = @@collation_connection */ ;
/*!50003 SET character_set_client  = utf8mb3 */ ;
/*!50003 SET character_set_results = utf8mb3 */ ;
/*!50003 SET collation_connection  = utf8mb3_general_ci */ ;
/*!50003 SET @saved_sql_mode       = @@sql_mode */ ;
/*!50003 SET sql_mode              = 'STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION' */ ;
DELIMITER ;;
/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER notary_stamp BEFORE INSERT ON notary FOR EACH ROW SET NEW.sponsor = NEW.sponsor */;;
DELIMITER ;
/*!50003 SET sql_mode              = @saved_sql_mode */ ;
/*!50003 SET character_set_client  = @saved_cs_client */ ;
/*!50003 SET character_set_results = @saved_cs_results */ ;
/*!50003 SET collation_connection  = @saved_col_connection */ ;

--
-- Table structure for table `cats_passed`
--

DROP TABLE IF EXISTS `cats_passed`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `cats_passed` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `user_id` int(11) NOT NULL,
  `variant_id` int(11) NOT NULL,
  `pass_date` timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),
  PRIMARY KEY (`id`),
  UNIQUE KEY `test_passed` (`user_id`,`variant_id`,`pass_date`)
) ENGINE=InnoDB AUTO_INCREMENT=900004 DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Dumping data for table `cats_passed`
--

LOCK TABLES `cats_passed` WRITE;
/*!40000 ALTER TABLE `cats_passed` DISABLE KEYS */;
INSERT INTO `cats_passed` VALUES
(900001,900001,5,'2010-04-30 22:30:00'),
(900002,900002,6,'0000-00-00 00:00:00'),
(900003,900003,12,'2010-05-01 10:00:00');
/*!40000 ALTER TABLE `cats_passed` ENABLE KEYS */;
UNLOCK TABLES;
/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;

/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;
/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;
/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;
/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;
/*!40101 SET CHARACTER_SET_RESULTS=@OLD_CHARACTER_SET_RESULTS */;
/*!40101 SET COLLATION_CONNECTION=@OLD_COLLATION_CONNECTION */;
/*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */;

-- Dump completed on 2026-12-04 15:37:41
